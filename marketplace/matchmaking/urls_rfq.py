app_name = "rfq"

urlpatterns: list = []
