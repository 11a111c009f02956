"""The resident's choice to share with the health information exchange, in My Plan
(docs/security.md, "Sharing with the health information exchange")."""
