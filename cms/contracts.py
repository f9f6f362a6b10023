"""The governing clauses of every sales contract, as the operators edit them in Wagtail (Settings → Contract clauses).

The deals app sits below cms and cannot import it; it reads the clauses through the callable named in
the setting `DEALS_CONTRACT_CLAUSES`, which points here. A contract copies the clauses when it is issued,
so an edit changes the contracts issued after it, never one a party has already seen or accepted.
"""

from cms.models import ContractClauses


def governing_clauses() -> list[dict[str, str]]:
    """The clauses a contract issued now carries: [{title_en, title_zh, text_en, text_zh}, ...]."""
    setting = ContractClauses.load()
    return [
        {key: str(block.value[key]) for key in ("title_en", "title_zh", "text_en", "text_zh")}
        for block in setting.clauses
        if block.block_type == "clause"
    ]
