namespace PythonInterop;

/// <summary>An employee as both worlds see it: C# calls these members, Python calls get_name(), get_salary(), set_salary(v) and raise_(percent).</summary>
public interface IEmployee
{
    /// <summary>Gets the employee's name.</summary>
    string Name { get; }

    /// <summary>Gets or sets the yearly salary.</summary>
    decimal Salary { get; set; }

    /// <summary>Raises the salary by <paramref name="percent"/> percent, rounded to cents, and returns the new salary.</summary>
    decimal Raise(decimal percent);
}
