package reactor.netty.http.client;

import java.io.IOException;

/** Test stand-in with Reactor Netty's class name: the module must recognise it without depending on it. */
public class PrematureCloseException extends IOException {

    private static final long serialVersionUID = 1L;

    public PrematureCloseException(String message) {
        super(message);
    }
}
