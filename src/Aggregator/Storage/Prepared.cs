using System.Data.Common;

namespace Aggregator.Storage;

/// <summary>Statements prepared once and executed many times within one transaction: no SQL is
/// parsed per row on the hot write path.</summary>
public static class Prepared
{
    public static DbCommand Command(DbConnection connection, DbTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var name in names)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            command.Parameters.Add(parameter);
        }
        // Npgsql prepares a statement on the server by itself once it is used again (Max Auto
        // Prepare), and cannot prepare parameters that have no value yet.
        if (connection is not Npgsql.NpgsqlConnection) command.Prepare();
        return command;
    }

    public static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
