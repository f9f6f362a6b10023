"""The page-title filter base.html wraps its title block in."""

from django.template import Context, Template

from marketplace.core.templatetags.page_title import page_title


def test_a_page_names_itself_then_the_site_and_the_site_alone_is_not_repeated():
    assert page_title("Compare quotations") == "Compare quotations · TrustFair"
    assert page_title("  ") == "TrustFair"
    assert page_title("TrustFair") == "TrustFair"
    assert page_title("TrustFair 信贸展") == "TrustFair 信贸展"
    assert page_title("News · TrustFair") == "News · TrustFair"
    assert page_title("TrustFairer goods") == "TrustFairer goods · TrustFair"


def test_the_filter_escapes_once():
    html = Template("{% load page_title %}{% filter page_title %}{{ t }}{% endfilter %}").render(
        Context({"t": "A & B <x>"})
    )
    assert html == "A &amp; B &lt;x&gt; · TrustFair"
