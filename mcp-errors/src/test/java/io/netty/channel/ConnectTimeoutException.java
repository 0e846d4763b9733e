package io.netty.channel;

import java.net.ConnectException;

/** Test stand-in with Netty's class name; a subclass of ConnectException, so the most derived name must win. */
public class ConnectTimeoutException extends ConnectException {

    private static final long serialVersionUID = 1L;

    public ConnectTimeoutException(String message) {
        super(message);
    }
}
