"""Web glue shared by every blueprint: the request context, the API's common parts and error
answers, the Socket.IO hub, clerk authentication, HTTP headers, the admission limit, rate
limits, languages, shared schemas, and the background work bound to the app."""
