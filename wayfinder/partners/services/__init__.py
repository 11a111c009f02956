"""The partners app's actions (docs/architecture.md, "Inside an app": every write is an atomic, audited
function named for what it does). Split by area to keep each module small:

- ``claims``: site claims and new-organization requests, the reviewer's decision
- ``invitations``: one-time account links (issue, look up, accept)
- ``onboarding``: user agreement, trainings, the next step for a person
- ``staff``: partner admins managing their staff
- ``self_service``: partner edits of directory records, with change history
- ``favorites``: an organization's shared list of services
"""
