"""Deal pages: the parties' list, the deal with its one timeline."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from marketplace.deals import permissions, selectors


@login_required
def deal_list(request):
    membership = request.user.membership
    deals = selectors.deals_for_company(membership.company_id if membership else None)
    return render(request, "deals/deal_list.html", {"deals": deals})


def deal_detail(request, pk):
    deal = permissions.get_deal_or_404(request.user, pk)
    return render(request, "deals/deal_detail.html", {"deal": deal, "events": selectors.timeline(deal)})
