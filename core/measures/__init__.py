"""What programs spend and achieve: budget lines, expenses and their alerts, budget imports,
and (with the indicators) the results they report."""
