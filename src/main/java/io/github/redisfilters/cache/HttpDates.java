package io.github.redisfilters.cache;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP-date parsing as RFC 9110 §5.6.7 says: the preferred IMF-fixdate, and the obsolete RFC 850
 * and asctime forms a recipient must accept; anything else (a one-digit hour, a two-digit year in
 * IMF form, "UTC", extra spaces) is invalid.
 */
final class HttpDates {
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
            "Oct", "Nov", "Dec");
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final Pattern IMF = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) " + MONTH + " (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT");
    private static final Pattern RFC850 = Pattern.compile(
            "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-" + MONTH + "-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT");
    private static final Pattern ASCTIME = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTH + " ([ \\d]\\d) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})");

    private HttpDates() {
    }

    /** Epoch milliseconds of an HTTP-date, or -1 when it is not one. */
    static long parse(String value, long nowMillis) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        try {
            Matcher m = IMF.matcher(v);
            if (m.matches()) {
                return at(Integer.parseInt(m.group(4)), m.group(3), m.group(2), m.group(5), m.group(6), m.group(7));
            }
            m = RFC850.matcher(v);
            if (m.matches()) {
                int yy = Integer.parseInt(m.group(4));
                int nowYear = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC).getYear();
                int year = nowYear / 100 * 100 + yy;
                if (year > nowYear + 50) {
                    year -= 100; // more than 50 years ahead: the most recent past year with those digits
                }
                return at(year, m.group(3), m.group(2), m.group(5), m.group(6), m.group(7));
            }
            m = ASCTIME.matcher(v);
            if (m.matches()) {
                return at(Integer.parseInt(m.group(7)), m.group(2), m.group(3).trim(), m.group(4), m.group(5), m.group(6));
            }
        } catch (java.time.DateTimeException | NumberFormatException e) {
            return -1; // 31 Feb, hour 25...
        }
        return -1;
    }

    private static long at(int year, String month, String day, String h, String min, String s) {
        return LocalDateTime.of(year, MONTHS.indexOf(month) + 1, Integer.parseInt(day), Integer.parseInt(h),
                Integer.parseInt(min), Integer.parseInt(s)).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** The IMF-fixdate of an instant. */
    static String format(long epochMillis) {
        return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).format(
                ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
    }
}
