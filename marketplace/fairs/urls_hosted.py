app_name = "buyer_meetings"

urlpatterns: list = []
