namespace Multiproc.Bench;

/// <summary>The article's employee record (copied from samples/Employees): plain data, copied by value.</summary>
public sealed record ArticleEmployee(string Name, string Department, decimal Salary);
