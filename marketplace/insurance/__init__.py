"""Export credit insurance: buyer credit limits from partner insurers, declared shipments and premiums, the insured's duties (overdue reports), claims."""
