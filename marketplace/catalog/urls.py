from django.urls import path, re_path

from marketplace.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/images/<int:image_pk>/<str:size>/", views.product_image, name="product_image"),
    path("products/<int:pk>/certificates/<int:cert_pk>/", views.certificate_file, name="certificate_file"),
    path("suppliers/<slug:slug>/", views.supplier_site, name="supplier_site"),
    path("portal/products/", views.portal_product_list, name="portal_product_list"),
    path("portal/products/new/", views.portal_product_edit, name="portal_product_create"),
    path("portal/products/export/", views.portal_export, name="portal_product_export"),
    path("portal/products/import/", views.portal_import, name="portal_import"),
    path("portal/products/import/<int:pk>/", views.portal_import_preview, name="portal_import_preview"),
    path("portal/products/import/<int:pk>/apply/", views.portal_import_apply, name="portal_import_apply"),
    path(
        "portal/products/import/<int:pk>/rejected.csv",
        views.portal_import_rejected,
        name="portal_import_rejected",
    ),
    path("portal/products/<int:pk>/", views.portal_product_edit, name="portal_product_edit"),
    re_path(
        r"^portal/products/(?P<pk>\d+)/(?P<action>publish|archive|draft|duplicate)/$",
        views.portal_product_action,
        name="portal_product_action",
    ),
    path("portal/products/<int:pk>/images/", views.portal_image_add, name="portal_image_add"),
    path(
        "portal/products/<int:pk>/images/<int:image_pk>/delete/",
        views.portal_image_delete,
        name="portal_image_delete",
    ),
    path(
        "portal/products/<int:pk>/certificates/",
        views.portal_certification_add,
        name="portal_certification_add",
    ),
    path(
        "portal/products/<int:pk>/certificates/<int:cert_pk>/delete/",
        views.portal_certification_delete,
        name="portal_certification_delete",
    ),
]
