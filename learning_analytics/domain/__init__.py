"""Pure domain logic: values and functions, no IO; the clock is always a parameter."""
