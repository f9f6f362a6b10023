"""The platform staff groups and their permissions: reference data every install needs, demo or not.

Operators get the Django admin for companies and fairs; editors and moderators reuse the groups
Wagtail's own migrations create (rebuilt the same way if someone deleted them). Permissions exist only
once `post_migrate` has created them, so this runs from a `post_migrate` receiver (see apps.py), not
from a data migration. It only adds: a permission an administrator granted on top stays, and a second
run changes nothing.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS, connections
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

OPERATORS = "Operators"
EDITORS = "Editors"
MODERATORS = "Moderators"

# Wagtail page permissions on the root page, per group.
PAGE_PERMISSIONS = {
    EDITORS: ("add_page", "change_page"),
    MODERATORS: ("add_page", "change_page", "publish_page"),
}
# The apps whose permissions the groups hold; created first, as post_migrate for them may not have run.
PERMISSION_APPS = ("companies", "fairs", "core", "catalog", "showcases", "cms", "wagtailadmin", "wagtailcore")
# What operators may read (never change) in the admin: the audit trail, exchange rates, products, imports
# and showcases, so that every object's history page opens for them.
OPERATOR_READS = {
    "core": ("auditevent", "fxrate"),
    "catalog": ("product", "productimport"),
    "showcases": ("showcase",),
}
# Editors and moderators upload and choose editors' documents (the project's own document model).
DOCUMENT_PERMISSIONS = ("add_sitedocument", "change_sitedocument", "choose_document")


def _operator_permissions(using: str) -> list[Permission]:
    wanted = []
    for perm in (
        Permission.objects.using(using)
        .filter(content_type__app_label__in=["companies", "fairs"])
        .select_related("content_type")
    ):
        action, model = perm.codename.split("_", 1)[0], perm.content_type.model
        if perm.content_type.app_label == "fairs":
            wanted.append(perm)  # operators run the fair sessions
        elif model in ("user", "verificationdecision"):
            # Changing users would let an operator grant themselves more; decisions are an audit record.
            if action == "view":
                wanted.append(perm)
        elif action in ("view", "change"):
            wanted.append(perm)
    for label, models in OPERATOR_READS.items():
        wanted += Permission.objects.using(using).filter(
            content_type__app_label=label, content_type__model__in=models, codename__startswith="view_"
        )
    return wanted


def ensure_staff_groups(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, Group]:
    """Create the Operators, Editors and Moderators groups with their permissions; return them by name."""
    operators, _ = Group.objects.using(using).get_or_create(name=OPERATORS)
    operators.permissions.add(*_operator_permissions(using))
    groups = {OPERATORS: operators}

    access_admin = (
        Permission.objects.using(using)
        .filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .first()
    )
    page_perms = {
        p.codename: p
        for p in Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS[MODERATORS]
        )
    }
    # The tree's root; absent only while Wagtail's own migrations have not run (or after a flush).
    root = Page.objects.using(using).filter(depth=1).first()
    collection = Collection.objects.using(using).filter(depth=1).first()
    document_perms = list(
        Permission.objects.using(using).filter(
            content_type__app_label="cms", codename__in=DOCUMENT_PERMISSIONS
        )
    )
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        if access_admin is not None:
            group.permissions.add(access_admin)
        if root is not None:
            for codename in codenames:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page=root, permission=page_perms[codename]
                )
        if collection is not None:
            for permission in document_perms:
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group, collection=collection, permission=permission
                )
        groups[name] = group
    return groups


def staff_groups_after_migrate(
    sender, *, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs
) -> None:
    """`post_migrate` receiver: make sure the permissions the groups need exist, then the groups."""
    if not {"auth_group", "wagtailcore_page"} <= set(connections[using].introspection.table_names()):
        return  # a partial `migrate companies` on an empty database: the full migrate will do it
    for label in PERMISSION_APPS:
        create_permissions(global_apps.get_app_config(label), verbosity=0, using=using)
    ensure_staff_groups(using=using)
