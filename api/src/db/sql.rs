//! The one SQL interface both backends speak: statements written once with `?1`-style
//! placeholders, values passed as [`Value`]s, rows read back as [`SqlRow`]s.
//!
//! Why not each driver's own types: the storage modules would then be written twice, once per
//! backend. The statements Rota runs are plain SQL that SQLite and PostgreSQL both accept
//! (`INSERT ... RETURNING id`, `ON CONFLICT ... DO UPDATE`, `EXISTS`), so only the values, the
//! placeholders (`?1` here, `$1` on the wire to PostgreSQL) and the schema's column types differ,
//! and those differences live in this file and in `schema`.

use std::error::Error;

use postgres::types::{IsNull, ToSql, Type};

use super::DbError;

/// A value sent to or read from the database.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// An integer (SQLite `INTEGER`, PostgreSQL `BIGINT`; `BOOLEAN` reads as 0 or 1).
    Int(i64),
    /// A float (`REAL`, `DOUBLE PRECISION`).
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes (`BLOB`, `BYTEA`).
    Blob(Vec<u8>),
}

/// What may be bound to a placeholder.
pub trait Param {
    /// The value sent.
    fn value(&self) -> Value;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value {
                // Every integer Rota stores fits in an i64 (ids, counts, epoch seconds).
                Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_param!(i64, i32, u16, u32, u64, usize);

impl Param for f64 {
    fn value(&self) -> Value {
        Value::Real(*self)
    }
}

impl Param for bool {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

impl Param for str {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl Param for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl Param for [u8] {
    fn value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl Param for Vec<u8> {
    fn value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

/// The values of a statement's placeholders, in order: `args![a, b]` binds `?1 = a`, `?2 = b`.
macro_rules! args {
    ($($x:expr),* $(,)?) => {
        &[$($crate::db::sql::Param::value(&$x)),*][..]
    };
}
pub(crate) use args;

/// One row read back.
#[derive(Debug, Clone)]
pub struct SqlRow(Vec<Value>);

impl SqlRow {
    /// Column `i`, converted; a stored value of the wrong kind is a [`DbError::Value`].
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T, DbError> {
        let v = self.0.get(i).ok_or_else(|| DbError::Value {
            column: i,
            reason: "no such column".into(),
        })?;
        T::from_value(v).map_err(|reason| DbError::Value { column: i, reason })
    }
}

/// What a column may be read as.
pub trait FromValue: Sized {
    /// The value, or why it is not one of these.
    fn from_value(v: &Value) -> Result<Self, String>;
}

fn wrong(what: &str, v: &Value) -> String {
    format!("expected {what}, found {v:?}")
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            _ => Err(wrong("an integer", v)),
        }
    }
}

impl FromValue for u16 {
    fn from_value(v: &Value) -> Result<Self, String> {
        u16::try_from(i64::from_value(v)?).map_err(|e| e.to_string())
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(i64::from_value(v)? != 0)
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            // SQLite stores a REAL column's whole numbers as integers when written as such.
            Value::Int(i) => Ok(*i as f64),
            _ => Err(wrong("a number", v)),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            _ => Err(wrong("text", v)),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            _ => Err(wrong("bytes", v)),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// A word-valued enum stored as its text (job kinds and states, roles): `FromStr` and `as_str`.
macro_rules! word_value {
    ($ty:ty) => {
        impl $crate::db::sql::Param for $ty {
            fn value(&self) -> $crate::db::sql::Value {
                $crate::db::sql::Value::Text(self.as_str().to_string())
            }
        }
        impl $crate::db::sql::FromValue for $ty {
            fn from_value(v: &$crate::db::sql::Value) -> Result<Self, String> {
                String::from_value(v)?.parse().map_err(|e| format!("{e}"))
            }
        }
    };
}
pub(crate) use word_value;

/// A connection or transaction of either backend.
pub trait Conn {
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, DbError>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<SqlRow>, DbError>;

    /// The first row of a query, if any.
    fn query_opt(&mut self, sql: &str, args: &[Value]) -> Result<Option<SqlRow>, DbError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// Runs an `INSERT` and returns the new row's `id` (both backends support `RETURNING`).
    fn insert(&mut self, sql: &str, args: &[Value]) -> Result<i64, DbError> {
        self.query_opt(&format!("{sql} RETURNING id"), args)?
            .ok_or(DbError::Missing("the id of an inserted row"))?
            .get(0)
    }
}

impl dyn Conn + '_ {
    /// The first column of a query's first row, which must be there (`SELECT EXISTS ...`).
    pub fn value<T: FromValue>(&mut self, sql: &str, args: &[Value]) -> Result<T, DbError> {
        self.query_opt(sql, args)?
            .ok_or(DbError::Missing("the row a query always returns"))?
            .get(0)
    }
}

/// SQLite: a connection (or a transaction, through `Deref`).
pub struct Lite<'a>(pub &'a rusqlite::Connection);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

impl Conn for Lite<'_> {
    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let mut st = self.0.prepare_cached(sql)?;
        Ok(st.execute(rusqlite::params_from_iter(args))? as u64)
    }

    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<SqlRow>, DbError> {
        use rusqlite::types::ValueRef;
        let mut st = self.0.prepare_cached(sql)?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut values = Vec::with_capacity(n);
            for i in 0..n {
                values.push(match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Int(i),
                    ValueRef::Real(f) => Value::Real(f),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                });
            }
            out.push(SqlRow(values));
        }
        Ok(out)
    }
}

/// PostgreSQL: a client or a transaction.
pub struct Pg<'a, C>(pub &'a mut C);

/// `?1` becomes `$1`. Rota's statements hold no `?` inside string literals, so the rewrite is a
/// plain scan.
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        // PostgreSQL types each placeholder from its context; a value is converted to that type
        // (an integer bound to a float column, a flag to a boolean), as SQLite would store it.
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => f.to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_row(r: &postgres::Row) -> Result<SqlRow, DbError> {
    let mut values = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let ty = col.type_();
        let v = match *ty {
            Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => r
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => r
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => r
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => r
                .try_get::<_, Option<f32>>(i)?
                .map(|v| Value::Real(v.into())),
            Type::BYTEA => r.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob),
            Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => {
                r.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            _ => {
                return Err(DbError::Value {
                    column: i,
                    reason: format!("column type {ty} is not one Rota stores"),
                })
            }
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(SqlRow(values))
}

fn pg_args(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl<C: postgres::GenericClient> Conn for Pg<'_, C> {
    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        Ok(self
            .0
            .execute(dollar_placeholders(sql).as_str(), &pg_args(args))?)
    }

    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<SqlRow>, DbError> {
        self.0
            .query(dollar_placeholders(sql).as_str(), &pg_args(args))?
            .iter()
            .map(pg_row)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_with_dollars_and_nothing_else_changes() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c IN (?2, ?12) AND d = '?'"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $12) AND d = '?'"
        );
    }

    #[test]
    fn values_convert_both_ways_and_name_what_is_wrong() {
        let row = SqlRow(vec![
            Value::Int(3),
            Value::Null,
            Value::Text("x".into()),
            Value::Int(1),
        ]);
        assert_eq!(row.get::<i64>(0).unwrap(), 3);
        assert_eq!(row.get::<f64>(0).unwrap(), 3.0);
        assert_eq!(row.get::<Option<String>>(1).unwrap(), None);
        assert!(row.get::<bool>(3).unwrap());
        let err = row.get::<i64>(2).unwrap_err().to_string();
        assert!(err.contains("column 2") && err.contains("integer"), "{err}");
        assert_eq!(
            args![1_i64, "a", None::<i64>, 2.5],
            &[
                Value::Int(1),
                Value::Text("a".into()),
                Value::Null,
                Value::Real(2.5)
            ][..]
        );
    }
}
