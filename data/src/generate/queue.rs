//! First-come-first-served multi-server queue with abandonment and a staffing level that changes
//! per interval: the historic "what actually happened" behind the sample's abandon rates and waits.
//!
//! Contacts are taken in arrival order. Each one starts service at the earliest instant, at or
//! after its arrival, at which one of the servers is both free and on duty (server `j` is on duty in
//! interval `k` when `j < servers[k]`); an agent who goes off duty finishes the contact in hand. A
//! contact whose wait would exceed its patience abandons and leaves without taking a server. Because
//! an abandoning contact never holds a server, processing contacts one by one in arrival order gives
//! exactly the FCFS discrete-event trajectory (an M(t)/G/n(t)+M queue, Erlang A with time-varying
//! staffing; see Mandelbaum & Zeltyn on the Palm/Erlang-A model), at a cost of O(contacts x servers).

/// One contact to be served: arrival instant, patience and handle time, all in seconds from the
/// start of the simulated window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Contact {
    /// Arrival instant.
    pub arrival: f64,
    /// How long the contact is willing to wait (`f64::INFINITY` for deferred work).
    pub patience: f64,
    /// Handle time once an agent takes it.
    pub handle: f64,
}

/// Service start of every contact (same order as the input), or `None` when the contact abandoned
/// or was never reached before the end of the window.
///
/// `servers[k]` is the number of servers on duty in interval `k` (each `interval_seconds` long;
/// interval 0 starts at instant 0). Contacts must be sorted by arrival.
pub(crate) fn simulate_fcfs(
    contacts: &[Contact],
    servers: &[u32],
    interval_seconds: f64,
) -> Vec<Option<f64>> {
    let intervals = servers.len();
    let max_servers = servers.iter().copied().max().unwrap_or(0) as usize;
    if max_servers == 0 {
        return vec![None; contacts.len()];
    }
    // next_on_duty[j * (intervals + 1) + k]: the first interval >= k in which server j is on duty
    // (`intervals` when none).
    let stride = intervals + 1;
    let mut next_on_duty = vec![intervals as u32; max_servers * stride];
    for j in 0..max_servers {
        let row = &mut next_on_duty[j * stride..(j + 1) * stride];
        for k in (0..intervals).rev() {
            row[k] = if servers[k] as usize > j {
                k as u32
            } else {
                row[k + 1]
            };
        }
    }
    let window_end = intervals as f64 * interval_seconds;
    let mut free_at = vec![0.0_f64; max_servers];
    let mut starts = Vec::with_capacity(contacts.len());
    for c in contacts {
        let mut best: Option<(f64, usize)> = None;
        for (j, &free) in free_at.iter().enumerate() {
            let t = c.arrival.max(free);
            if t >= window_end {
                continue;
            }
            let k = ((t / interval_seconds) as usize).min(intervals - 1);
            let k_on = next_on_duty[j * stride + k] as usize;
            if k_on >= intervals {
                continue;
            }
            let start = if k_on == k {
                t
            } else {
                k_on as f64 * interval_seconds
            };
            if best.is_none_or(|(b, _)| start < b) {
                best = Some((start, j));
            }
        }
        match best {
            Some((start, j)) if start - c.arrival <= c.patience => {
                free_at[j] = start + c.handle;
                starts.push(Some(start));
            }
            _ => starts.push(None),
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(arrival: f64, patience: f64, handle: f64) -> Contact {
        Contact {
            arrival,
            patience,
            handle,
        }
    }

    #[test]
    fn single_server_queues_in_order() {
        let cs = [
            contact(0.0, 1e9, 100.0),
            contact(10.0, 1e9, 100.0),
            contact(20.0, 1e9, 100.0),
        ];
        let starts = simulate_fcfs(&cs, &[1, 1, 1, 1], 900.0);
        assert_eq!(starts, vec![Some(0.0), Some(100.0), Some(200.0)]);
    }

    #[test]
    fn impatient_contact_abandons_without_blocking() {
        let cs = [
            contact(0.0, 1e9, 100.0),
            contact(10.0, 50.0, 100.0),
            contact(20.0, 1e9, 100.0),
        ];
        let starts = simulate_fcfs(&cs, &[1, 1], 900.0);
        assert_eq!(starts, vec![Some(0.0), None, Some(100.0)]);
    }

    #[test]
    fn waits_for_the_next_interval_with_staff() {
        // Nobody on duty in interval 0, two servers in interval 1.
        let cs = [
            contact(5.0, f64::INFINITY, 50.0),
            contact(6.0, f64::INFINITY, 50.0),
            contact(7.0, f64::INFINITY, 50.0),
        ];
        let starts = simulate_fcfs(&cs, &[0, 2], 100.0);
        assert_eq!(starts, vec![Some(100.0), Some(100.0), Some(150.0)]);
    }

    #[test]
    fn nobody_on_duty_serves_nobody() {
        let cs = [contact(5.0, f64::INFINITY, 50.0)];
        assert_eq!(simulate_fcfs(&cs, &[0, 0], 100.0), vec![None]);
        // Work not reached before the window ends stays unhandled.
        let cs = [
            contact(0.0, f64::INFINITY, 500.0),
            contact(1.0, f64::INFINITY, 5.0),
        ];
        assert_eq!(simulate_fcfs(&cs, &[1, 0], 100.0), vec![Some(0.0), None]);
    }
}
