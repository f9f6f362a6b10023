"""Catalog pages: the public search, product pages and supplier mini-sites; the supplier's product portal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace.catalog import caching, imports, selectors, services, spreadsheet
from marketplace.catalog.filters import PortalProductFilter, ProductFilter, SupplierSiteFilter
from marketplace.catalog.forms import (
    CertificationForm,
    ImageUploadForm,
    ImportForm,
    ProductForm,
    SpecFormSet,
    TierFormSet,
)
from marketplace.catalog.models import (
    ImportStatus,
    Product,
    ProductCertification,
    ProductImage,
    ProductImport,
    ProductStatus,
)
from marketplace.catalog.pagination import CappedPaginator
from marketplace.companies.permissions import member_required
from marketplace.core.files import serve
from marketplace.core.lists import ListPage, ResultsCache
from marketplace.core.pagecache import cache_for_visitors

PAGE_SIZE = 24
PORTAL_PAGE_SIZE = 50

# The public search: its results (form, count, cards) are cached per filters, language and audience.
PRODUCT_SEARCH = ListPage(
    filterset=ProductFilter,
    template="catalog/product_list.html",
    results_template="catalog/includes/product_results.html",
    per_page=PAGE_SIZE,
    paginator=CappedPaginator,
    cache=ResultsCache(generations=("catalog", "directory"), seconds=caching.HTML_SECONDS),
)
SUPPLIER_SITE = ListPage(
    filterset=SupplierSiteFilter,
    template="catalog/supplier_site.html",
    per_page=PAGE_SIZE,
    paginator=CappedPaginator,
)
PORTAL_PRODUCTS = ListPage(
    filterset=PortalProductFilter, template="catalog/portal/product_list.html", per_page=PORTAL_PAGE_SIZE
)


# -- public --------------------------------------------------------------------------------------


@cache_for_visitors
def product_list(request):
    """Public search: every published, non-showcase product, filtered."""
    return PRODUCT_SEARCH.render(request, selectors.public_products)


def product_detail(request, pk):
    product = selectors.product_for_viewer(pk=pk, user=request.user)
    if product is None:
        raise Http404
    return render(
        request,
        "catalog/product_detail.html",
        {"product": product, "own": not product.is_public, "today": timezone.localdate()},
    )


def supplier_site(request, slug):
    """A supplier's mini-site: its profile and its published products, searchable."""
    company = selectors.supplier_site(slug=slug)
    if company is None:
        raise Http404
    return SUPPLIER_SITE.render(
        request, selectors.public_products().filter(supplier=company), company=company
    )


def _visible_product(request, pk) -> Product:
    """The product whose files are asked for, if the visitor may see it; only what the check needs."""
    product = selectors.product_for_viewer(
        pk=pk,
        user=request.user,
        queryset=Product.objects.only("pk", "status", "showcase_only", "supplier_id"),
    )
    if product is None:
        raise Http404
    return product


def product_image(request, pk, image_pk, size):
    product = _visible_product(request, pk)
    image = get_object_or_404(ProductImage, pk=image_pk, product_id=product.pk)
    if size == "thumb":
        return serve(image.thumbnail, "image/webp", private=not product.is_public)
    return serve(image.file, image.content_type, private=not product.is_public)


def certificate_file(request, pk, cert_pk):
    product = _visible_product(request, pk)
    cert = get_object_or_404(ProductCertification, pk=cert_pk, product_id=product.pk)
    return serve(cert.file, cert.content_type, filename=f"{cert.standard}-{product.pk}", private=True)


# -- supplier portal -----------------------------------------------------------------------------


@member_required(supplier=True)
def portal_product_list(request):
    return PORTAL_PRODUCTS.render(
        request,
        selectors.supplier_products(supplier=request.company),
        counts=selectors.status_counts(supplier=request.company),
    )


def _own_product(request, pk) -> Product:
    return get_object_or_404(
        Product.objects.select_related("category", "supplier").prefetch_related("images", "certifications"),
        pk=pk,
        supplier=request.company,
    )


def _initial_rows(product: Product | None):
    if product is None:
        return [], []
    tiers = [{"min_quantity": t.min_quantity, "unit_price": t.unit_price} for t in product.price_tiers.all()]
    specs = [
        {"name": s.name, "value": s.value, "name_zh": s.name_zh, "value_zh": s.value_zh}
        for s in product.specs.all()
    ]
    return tiers, specs


@member_required(supplier=True)
def portal_product_edit(request, pk=None):
    """Create or edit a product with its price tiers and specifications on one page."""
    product = _own_product(request, pk) if pk else None
    tiers, specs = _initial_rows(product)
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, instance=product, supplier=request.company)
    moq = None
    if data is not None:
        try:
            moq = int(data.get("moq") or 0) or None
        except ValueError:
            moq = None
    tier_set = TierFormSet(data, initial=tiers, prefix="tiers", moq=moq)
    spec_set = SpecFormSet(data, initial=specs, prefix="specs")
    if request.method == "POST" and form.is_valid() and tier_set.is_valid() and spec_set.is_valid():
        fields = {k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS if k in form.cleaned_data}
        try:
            if product is None:
                product = services.product_create(
                    supplier=request.company,
                    by_user=request.user,
                    fields=fields,
                    tiers=tier_set.tiers(),
                    specs=spec_set.specs(),
                )
                messages.success(request, _("Product saved as a draft. Add images, then publish it."))
            else:
                services.product_update(
                    product=product,
                    by_user=request.user,
                    fields=fields,
                    tiers=tier_set.tiers(),
                    specs=spec_set.specs(),
                )
                messages.success(request, _("Product saved."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("catalog:portal_product_edit", pk=product.pk)
    return render(
        request,
        "catalog/portal/product_form.html",
        {
            "product": product,
            "form": form,
            "tier_set": tier_set,
            "spec_set": spec_set,
            "image_form": ImageUploadForm(),
            "cert_form": CertificationForm(),
        },
    )


@member_required(supplier=True)
@require_POST
def portal_product_action(request, pk, action):
    product = _own_product(request, pk)
    try:
        if action == "duplicate":
            copy = services.product_duplicate(product=product, by_user=request.user)
            messages.success(request, _("Copied as %(sku)s (draft).") % {"sku": copy.sku})
            return redirect("catalog:portal_product_edit", pk=copy.pk)
        status = {
            "publish": ProductStatus.PUBLISHED,
            "archive": ProductStatus.ARCHIVED,
            "draft": ProductStatus.DRAFT,
        }
        if action not in status:
            raise Http404
        services.product_set_status(product=product, by_user=request.user, status=status[action])
        messages.success(
            request,
            {
                "publish": _("Published: buyers can find it now."),
                "archive": _("Archived: it no longer appears in the catalog."),
                "draft": _("Back to draft."),
            }[action],
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("catalog:portal_product_list")


@member_required(supplier=True)
@require_POST
def portal_image_add(request, pk):
    product = _own_product(request, pk)
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_image_add(
                product=product, by_user=request.user, upload=form.cleaned_data["image"]
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Image added."))
    else:
        messages.error(request, _("Choose an image file."))
    return redirect("catalog:portal_product_edit", pk=product.pk)


@member_required(supplier=True)
@require_POST
def portal_image_delete(request, pk, image_pk):
    product = _own_product(request, pk)
    image = get_object_or_404(ProductImage, pk=image_pk, product=product)
    services.product_image_delete(image=image, by_user=request.user)
    messages.success(request, _("Image removed."))
    return redirect("catalog:portal_product_edit", pk=product.pk)


@member_required(supplier=True)
@require_POST
def portal_certification_add(request, pk):
    product = _own_product(request, pk)
    form = CertificationForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.certification_save(
                product=product,
                by_user=request.user,
                standard=data["standard"],
                expires_on=data["expires_on"],
                number=data["number"],
                issued_by=data["issued_by"],
                upload=data["file"],
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Certificate saved."))
    else:
        messages.error(request, _("Give the standard and the expiry date."))
    return redirect("catalog:portal_product_edit", pk=product.pk)


@member_required(supplier=True)
@require_POST
def portal_certification_delete(request, pk, cert_pk):
    product = _own_product(request, pk)
    cert = get_object_or_404(ProductCertification, pk=cert_pk, product=product)
    services.certification_delete(certification=cert, by_user=request.user)
    messages.success(request, _("Certificate removed."))
    return redirect("catalog:portal_product_edit", pk=product.pk)


@member_required(supplier=True)
def portal_export(request):
    fmt = request.GET.get("format", "csv")
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        body = spreadsheet.export_xlsx(supplier=request.company)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body = spreadsheet.export_csv(supplier=request.company)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="products-{request.company.slug}-{stamp}.{fmt}"'
    return response


@member_required(supplier=True)
def portal_import(request):
    """Upload a file: the dry run shows every change or every error; nothing is written yet."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = imports.import_check(
            supplier=request.company,
            by_user=request.user,
            upload=form.cleaned_data["file"],
            images=form.cleaned_data.get("images"),
        )
        return redirect("catalog:portal_import_preview", pk=record.pk)
    recent = ProductImport.objects.filter(supplier=request.company).select_related("created_by")[:10]
    return render(request, "catalog/portal/import.html", {"form": form, "recent": recent})


@member_required(supplier=True)
def portal_import_preview(request, pk):
    record = get_object_or_404(ProductImport, pk=pk, supplier=request.company)
    summary = record.summary or {}
    return render(
        request,
        "catalog/portal/import_preview.html",
        {
            "record": record,
            "summary": summary,
            "has_rejected_rows": any(e["line"] > 1 for e in summary.get("errors", [])),
        },
    )


@member_required(supplier=True)
@require_POST
def portal_import_apply(request, pk):
    """Apply a checked file (a spent one is a 404): written all at once, or its new errors are shown."""
    record = get_object_or_404(ProductImport, pk=pk, supplier=request.company, status=ImportStatus.PREVIEWED)
    try:
        outcome = imports.import_apply(
            record=record, by_user=request.user, valid_only=request.POST.get("valid_only") == "1"
        )
    except ValidationError as exc:  # applied or failed meanwhile, by another request
        messages.error(request, exc.messages[0])
        return redirect("catalog:portal_import_preview", pk=record.pk)
    if not outcome.applied:
        messages.error(request, _("The catalog changed since the check: see the errors below."))
        return redirect("catalog:portal_import_preview", pk=record.pk)
    messages.success(
        request,
        _("Import applied: %(create)d created, %(update)d updated, %(unchanged)d unchanged.")
        % outcome.counts,
    )
    rejected = len(outcome.record.summary.get("errors", []))
    if rejected:
        messages.warning(
            request,
            ngettext(
                "%(n)d problem was left out: download the rejected rows from the import page.",
                "%(n)d problems were left out: download the rejected rows from the import page.",
                rejected,
            )
            % {"n": rejected},
        )
    return redirect("catalog:portal_product_list")


@member_required(supplier=True)
def portal_import_rejected(request, pk):
    """The rows a check rejected, as a CSV with a reason column, to correct and import again."""
    record = get_object_or_404(ProductImport, pk=pk, supplier=request.company)
    errors = (record.summary or {}).get("errors", [])
    if not any(e["line"] > 1 for e in errors):
        raise Http404
    with record.file.open("rb") as handle:
        data = spreadsheet.rejected_rows_csv(name=record.original_name, data=handle.read(), errors=errors)
    stem = record.original_name.rsplit(".", 1)[0][:80] or "import"
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-rejected.csv"'
    return response
