package dev.reactivemcp.interop;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authorization server's login or consent page, filled in as its user would: the page's first form, hidden inputs
 * as they are (a CSRF token, oidc-provider's {@code prompt}), the user name into {@code login} or {@code username},
 * the password into the password input. Used by every test user agent ({@link FormLoginCodeSource}, the browsers of
 * {@code WebServiceLoginTest}).
 *
 * @param kind   a login form (it asks for a password, or oidc-provider's {@code prompt=login}) or a consent form
 * @param action where the form is posted, resolved against the page
 * @param body   the filled form, {@code application/x-www-form-urlencoded}
 */
record LoginForm(Kind kind, URI action, String body) {

    /** What the form asks for. */
    enum Kind { LOGIN, CONSENT }

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private static final Pattern INPUT = Pattern.compile("<input[^>]*>");

    /** The first form of {@code html} (served at {@code page}), filled in for {@code user}. */
    static LoginForm fill(URI page, String html, String user, String password) {
        Matcher action = FORM_ACTION.matcher(html);
        if (!action.find()) {
            throw new IllegalStateException("no form at " + page.getPath());
        }
        int formEnd = html.indexOf("</form>", action.end());
        String form = html.substring(action.start(), formEnd < 0 ? html.length() : formEnd);
        StringBuilder body = new StringBuilder();
        boolean hasPassword = false;
        String prompt = null;
        Matcher input = INPUT.matcher(form);
        while (input.find()) {
            String tag = input.group();
            String name = attribute(tag, "name");
            String type = attribute(tag, "type");
            if (name == null) {
                continue;
            }
            String value;
            if ("password".equals(type)) {
                value = password;
                hasPassword = true;
            } else if ("login".equals(name) || "username".equals(name)) {
                value = user;
            } else if ("hidden".equals(type)) {
                value = attribute(tag, "value") == null ? "" : attribute(tag, "value");
                prompt = "prompt".equals(name) ? value : prompt;
            } else {
                continue;
            }
            body.append(body.length() == 0 ? "" : "&").append(enc(name)).append('=').append(enc(value));
        }
        Kind kind;
        if (hasPassword || "login".equals(prompt)) {
            kind = Kind.LOGIN;
        } else if ("consent".equals(prompt)) {
            kind = Kind.CONSENT;
        } else {
            throw new IllegalStateException("neither a login nor a consent form at " + page.getPath());
        }
        return new LoginForm(kind, page.resolve(action.group(1).replace("&amp;", "&")), body.toString());
    }

    private static String attribute(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "=\"([^\"]*)\"").matcher(tag);
        return m.find() ? m.group(1) : null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
