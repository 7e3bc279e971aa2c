"""Your data in and out: vCard and Google Contacts CSV import, and JSON / CSV / vCard export."""
