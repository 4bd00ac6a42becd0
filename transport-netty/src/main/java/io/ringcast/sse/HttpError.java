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

    HttpError(final HttpResponseStatus status, final String error, final String detail)
    {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
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
