app_name = "showcases"
urlpatterns: list = []
