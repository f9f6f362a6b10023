"""The shared layer every trade app stands on; it imports no app of its own project.

- `audit`: the append-only audit trail (`AuditEvent`) and `audit.log`.
- `transitions`: one way to change state: a transition table per model and `transition(...)`.
- `signals`: the domain signals sent after a state change commits.
- `money`, `fx`: the `Money` value, the one currency list and the dated FX-rate table.
- `languages`, `files`, `pdf`, `charts`: bilingual fields, uploaded files, PDF rendering, SVG charts.
"""
