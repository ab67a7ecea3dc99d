using System.Data.Common;

namespace Aggregator.Storage;

/// <summary>The one SQL form the two databases spell differently that the stores need often.</summary>
public static class Dialect
{
    /// <summary>"column is one of the array parameter": Dapper expands <c>IN @p</c> into a list on
    /// SQLite, while Npgsql sends the array as one parameter, which PostgreSQL reads with ANY.</summary>
    public static string InList(DbConnection connection, string column, string parameter) =>
        InList(connection is Npgsql.NpgsqlConnection, column, parameter);

    public static string InList(bool postgres, string column, string parameter) =>
        postgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";
}
