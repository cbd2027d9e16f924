"""The subcommands of `plan-monitor`, one module per area."""
