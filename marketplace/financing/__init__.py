"""Trade financing: applications to partner banks against confirmed orders or insured receivables, decisions, disbursement and repayment."""
