app_name = "exhibitors"

urlpatterns: list = []
