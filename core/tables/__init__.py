"""Tables of an area big enough to keep its own module; core.models re-exports every one."""
