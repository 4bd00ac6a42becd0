package io.ringcast.sse;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the server refuses, with the status and the JSON body {@code {"error":..,"detail":..}} to answer it
 * with. Thrown while parsing and checking requests on an event loop; never on the delivery path.
 */
class HttpError extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    final HttpResponseStatus status;
    final String error;
    /** The {@code Allow} header of a 405, else {@code null}. */
    final String allow;

    HttpError(final HttpResponseStatus status, final String error, final String detail)
    {
        this(status, error, detail, null);
    }

    private HttpError(final HttpResponseStatus status, final String error, final String detail, final String allow)
    {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
        this.allow = allow;
    }

    static HttpError methodNotAllowed(final String path, final String method, final String allow)
    {
        return new HttpError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
            method + " is not allowed on " + path + "; use " + allow, allow);
    }

    static HttpError badRequest(final String detail)
    {
        return new HttpError(HttpResponseStatus.BAD_REQUEST, "bad_request", detail);
    }

    static HttpError tooLarge(final String detail)
    {
        return new HttpError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", detail);
    }

    static HttpError unauthorized(final String detail)
    {
        return new HttpError(HttpResponseStatus.UNAUTHORIZED, "unauthorized", detail);
    }

    static HttpError forbidden(final String detail)
    {
        return new HttpError(HttpResponseStatus.FORBIDDEN, "forbidden", detail);
    }

    String detail()
    {
        return getMessage();
    }
}
