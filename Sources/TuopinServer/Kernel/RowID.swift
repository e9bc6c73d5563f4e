import Tagged

/// The id of a row of `Row`'s table. A household's id and a plan's id are different types, so the
/// compiler refuses to store one where the other belongs; the database still holds a plain integer,
/// and JSON and pages show it as one.
typealias RowID<Row> = Tagged<Row, Int>
