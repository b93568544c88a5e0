//! Each job's memory, counted as it allocates, so a job past its budget can be stopped with a
//! clear message instead of taking the whole process (and every other centre's jobs) down.
//!
//! [`Counting`] is the process's global allocator (declared in the `rota` binary): it forwards to
//! the system allocator and charges every allocation and free to the *account* of the thread that
//! makes it, if that thread is tagged with one. A job's worker thread is tagged while the job
//! runs, and so are the threads of the job's own rayon pool ([`JobMemory::pool`]): the forecast's
//! per-channel fits, the simulation's replications and the scenario rosters run there, not on a
//! pool shared with other jobs, so what they allocate is the job's.
//!
//! What is not counted, and why that is acceptable:
//! - memory the HiGHS solver allocates in C++ (`malloc`/`new` bypass Rust's allocator). The
//!   programme HiGHS receives is built (and counted) in Rust first, and its size is bounded by the
//!   request caps (days, agents, options); the time budget bounds the rest;
//! - allocations of threads a job starts itself outside its pool (progress tickers: a few bytes).
//!
//! A block freed on another thread than the one that allocated it is charged to the freeing
//! thread's account; within a job both threads carry the job's tag, so its figure stays true.
//! Accounts are slots in a fixed table (no allocation inside the allocator), reused with a
//! generation number so a late free from a finished job's thread never lands on the next job.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};

/// How many jobs can be counted at once in one process (more run uncounted, with a warning).
const SLOTS: usize = 256;

/// One account: live bytes, the peak, the limit and whether it was passed.
struct Slot {
    /// Bumped each time the slot is taken; a thread's tag names the generation it was given.
    generation: AtomicU64,
    in_use: AtomicBool,
    live: AtomicI64,
    peak: AtomicI64,
    limit: AtomicI64,
    over: AtomicBool,
}

impl Slot {
    const fn new() -> Self {
        Self {
            generation: AtomicU64::new(0),
            in_use: AtomicBool::new(false),
            live: AtomicI64::new(0),
            peak: AtomicI64::new(0),
            limit: AtomicI64::new(i64::MAX),
            over: AtomicBool::new(false),
        }
    }
}

static TABLE: [Slot; SLOTS] = [const { Slot::new() }; SLOTS];

/// Raised by the first allocation through [`Counting`]: budgets can only be kept where it is
/// the global allocator.
static ACTIVE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// The account of this thread: `generation << 16 | slot + 1`, or 0 for none. A `const`
    /// cell without a destructor, so reading it never allocates and works during thread exit.
    static TAG: Cell<u64> = const { Cell::new(0) };
}

/// The global allocator that counts each job's memory (see the module doc).
#[derive(Debug, Default, Clone, Copy)]
pub struct Counting;

/// Charges `delta` bytes to the calling thread's account, if it has one that is still open;
/// true if it was charged.
fn charge(delta: i64) -> bool {
    let tag = TAG.with(Cell::get);
    if tag == 0 {
        return false;
    }
    let Some(slot) = ((tag & 0xFFFF) as usize)
        .checked_sub(1)
        .and_then(|i| TABLE.get(i))
    else {
        return false;
    };
    if slot.generation.load(Ordering::Relaxed) != tag >> 16 {
        return false;
    }
    let live = slot.live.fetch_add(delta, Ordering::Relaxed) + delta;
    if delta > 0 {
        slot.peak.fetch_max(live, Ordering::Relaxed);
        if live > slot.limit.load(Ordering::Relaxed) {
            slot.over.store(true, Ordering::Relaxed);
        }
    }
    true
}

fn bytes(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds `GlobalAlloc`'s contract;
// the bookkeeping touches only atomics and a const thread-local, and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ACTIVE.store(true, Ordering::Relaxed);
            charge(bytes(layout.size()));
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            ACTIVE.store(true, Ordering::Relaxed);
            charge(bytes(layout.size()));
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a block this allocator (hence `System`) gave, with its layout.
        unsafe { System.dealloc(ptr, layout) };
        charge(-bytes(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; `new_size` is the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            charge(bytes(new_size) - bytes(layout.size()));
        }
        p
    }
}

/// True once [`Counting`] has served an allocation: it is this process's global allocator, so
/// budgets can be kept.
pub fn counting() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// One job's account, held while the job runs; dropping it frees the slot.
#[derive(Debug)]
pub struct JobMemory {
    slot: usize,
    tag: u64,
}

impl JobMemory {
    /// Opens an account with a budget of `limit` bytes, or `None` when every slot is taken (the
    /// job then runs uncounted).
    pub fn open(limit: u64) -> Option<Self> {
        let slot = TABLE.iter().position(|s| {
            s.in_use
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        })?;
        let s = &TABLE[slot];
        s.live.store(0, Ordering::Relaxed);
        s.peak.store(0, Ordering::Relaxed);
        s.over.store(false, Ordering::Relaxed);
        s.limit
            .store(i64::try_from(limit).unwrap_or(i64::MAX), Ordering::Relaxed);
        // Generations are 48 bits; wrapping after 2^48 jobs on one slot is harmless.
        let generation = (s.generation.load(Ordering::Relaxed) + 1) & 0xFFFF_FFFF_FFFF;
        s.generation.store(generation, Ordering::Release);
        Some(Self {
            slot,
            tag: generation << 16 | (slot as u64 + 1),
        })
    }

    /// Charges what the calling thread allocates to this account until the guard drops.
    pub fn enter(&self) -> Entered {
        Entered {
            previous: TAG.with(|t| t.replace(self.tag)),
        }
    }

    /// A rayon pool of `threads` threads whose allocations are this account's: run the job's
    /// work inside `pool.install` so its parallel steps are counted (and do not queue behind
    /// another job's on the shared pool).
    pub fn pool(&self, threads: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
        let tag = self.tag;
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("rota-job-pool-{i}"))
            .start_handler(move |_| TAG.with(|t| t.set(tag)))
            .exit_handler(|_| TAG.with(|t| t.set(0)))
            .build()
    }

    /// True once the job's live memory has passed its budget.
    pub fn over(&self) -> bool {
        TABLE[self.slot].over.load(Ordering::Relaxed)
    }

    /// The most the job held at once, bytes.
    pub fn peak(&self) -> u64 {
        u64::try_from(TABLE[self.slot].peak.load(Ordering::Relaxed)).unwrap_or(0)
    }
}

impl Drop for JobMemory {
    fn drop(&mut self) {
        let s = &TABLE[self.slot];
        // A new generation first, so frees still to come from this job's threads are ignored.
        s.generation.fetch_add(1, Ordering::AcqRel);
        s.in_use.store(false, Ordering::Release);
    }
}

/// While alive, the calling thread's allocations are charged to a job (see [`JobMemory::enter`]).
#[derive(Debug)]
pub struct Entered {
    previous: u64,
}

impl Drop for Entered {
    fn drop(&mut self) {
        TAG.with(|t| t.set(self.previous));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    // The api crate's unit tests run with `Counting` as the global allocator (lib.rs).

    #[test]
    fn what_a_job_allocates_on_its_thread_and_its_pool_is_counted_and_the_budget_flagged() {
        assert!(counting());
        let job = JobMemory::open(64 << 20).expect("a slot");
        let pool = job.pool(2).expect("pool");
        let kept: Vec<Vec<u8>> = {
            let _in = job.enter();
            // 4 x 8 MB on the pool's threads, 8 MB on this one: 40 MB, under the budget.
            let mut v: Vec<Vec<u8>> =
                pool.install(|| (0..4).into_par_iter().map(|_| vec![1u8; 8 << 20]).collect());
            v.push(vec![2u8; 8 << 20]);
            v
        };
        // (A few KB less is fine: blocks made before the account opened, such as the pool's
        // own, may be freed on its threads and credited.)
        assert!(job.peak() >= 39 << 20, "peak {}", job.peak());
        assert!(!job.over());
        {
            let _in = job.enter();
            // 32 MB more passes 64 MB.
            // (black_box: the optimiser may otherwise drop an allocation nothing reads.)
            let more: Vec<u8> = pool.install(|| std::hint::black_box(vec![3u8; 32 << 20]));
            assert_eq!(std::hint::black_box(&more).len(), 32 << 20);
        }
        assert!(job.over(), "peak {}", job.peak());
        drop(kept);
        // An allocation outside the job, on an untagged thread, is not charged.
        let other = JobMemory::open(1 << 20).expect("a slot");
        let outside = std::thread::spawn(|| std::hint::black_box(vec![0u8; 8 << 20]).len())
            .join()
            .expect("thread");
        assert_eq!(outside, 8 << 20);
        assert!(!other.over());
        assert_eq!(other.peak(), 0);
    }

    #[test]
    fn a_closed_account_ignores_late_frees_of_its_job() {
        let job = JobMemory::open(1 << 30).expect("a slot");
        let held = {
            let _in = job.enter();
            assert!(charge(0), "an open account is charged");
            vec![0u8; 1 << 20]
        };
        let tag = job.tag;
        drop(job);
        // A thread of the finished job (a pool thread not yet gone) still carries its tag: what
        // it frees now lands on no account, whoever holds the slot next.
        let _stale = Entered {
            previous: TAG.with(|t| t.replace(tag)),
        };
        assert!(!charge(-(1 << 20)));
        drop(held);
    }
}
