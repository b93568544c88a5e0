//! A small dense solver for the normal equations of the regression (a handful of unknowns), so the
//! crate needs no LAPACK.

use ndarray::{Array1, Array2};

/// Solve `a x = b` by Gaussian elimination with partial pivoting. `None` if `a` is singular.
pub fn solve(a: &Array2<f64>, b: &Array1<f64>) -> Option<Array1<f64>> {
    let n = b.len();
    if a.nrows() != n || a.ncols() != n {
        return None;
    }
    let mut m = a.clone();
    let mut x = b.clone();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| m[[i, col]].abs().total_cmp(&m[[j, col]].abs()))?;
        if m[[pivot, col]].abs() < 1e-12 {
            return None;
        }
        if pivot != col {
            for k in 0..n {
                m.swap([col, k], [pivot, k]);
            }
            x.swap(col, pivot);
        }
        for row in col + 1..n {
            let factor = m[[row, col]] / m[[col, col]];
            if factor == 0.0 {
                continue;
            }
            for k in col..n {
                m[[row, k]] -= factor * m[[col, k]];
            }
            x[row] -= factor * x[col];
        }
    }
    for col in (0..n).rev() {
        let mut acc = x[col];
        for k in col + 1..n {
            acc -= m[[col, k]] * x[k];
        }
        x[col] = acc / m[[col, col]];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn solves_a_small_system() {
        let a = array![[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]];
        let x_true = array![1.0, -2.0, 0.5];
        let b = a.dot(&x_true);
        let x = solve(&a, &b).expect("non-singular");
        for (u, v) in x.iter().zip(x_true.iter()) {
            assert!((u - v).abs() < 1e-12);
        }
    }

    #[test]
    fn singular_is_none() {
        let a = array![[1.0, 2.0], [2.0, 4.0]];
        assert!(solve(&a, &array![1.0, 2.0]).is_none());
    }
}
