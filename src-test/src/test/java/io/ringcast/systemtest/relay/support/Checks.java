package io.ringcast.systemtest.relay.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Assertions shared by the relay tests. Stateless. */
public final class Checks
{
    private Checks()
    {
    }

    /** @return {@code true} when {@code node} received exactly {@code ids} from {@code origin}, in that order. */
    public static boolean receivedExactly(final RelayNode node, final String origin, final List<Long> ids)
    {
        return node.receivedFrom(origin).equals(ids);
    }

    /** @return a short account of what {@code node} got from {@code origin} compared with {@code ids}. */
    public static String describe(final RelayNode node, final String origin, final List<Long> ids)
    {
        final List<Long> got = node.receivedFrom(origin);
        final long distinct = got.stream().distinct().count();
        final long missing = ids.stream().filter(id -> !got.contains(id)).limit(1_000).count();
        return node.nodeId() + " from " + origin + ": expected " + ids.size() + ", received " + got.size() +
            " (distinct " + distinct + ", out of order " + node.outOfOrder() + ", missing>=" + missing +
            ", subscriber drops " + node.subscriberDropped() + ", health " + node.health() + ")";
    }

    /** @return the result of a one-value query. */
    public static long queryLong(final String url, final String sql)
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getLong(1);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static void execute(final String url, final String sql)
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            s.execute(sql);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
