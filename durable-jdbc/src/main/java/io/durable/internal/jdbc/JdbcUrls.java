package io.durable.internal.jdbc;

import java.util.regex.Pattern;

/** Makes JDBC URLs safe to print: passwords are masked wherever a URL can carry one. */
final class JdbcUrls {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password|passwd|pwd)=[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/:@]+):[^/@]*@");

    private JdbcUrls() {
    }

    static String redact(String url) {
        if (url == null) {
            return null;
        }
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1=***");
        return USER_INFO.matcher(masked).replaceAll("//$1:***@");
    }
}
