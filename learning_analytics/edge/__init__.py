"""The HTTP edge: request ids, security headers, body-size and content-type limits, Host checks,
authentication, busy answers and JSON errors."""
