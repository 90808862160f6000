//! An uncertainty estimate with its replicates spread over the machine's cores. The
//! core is single-threaded and any partition of the replicates gives the same records,
//! so the numbers equal the page's and a one-thread run's to the bit.

use std::sync::atomic::{AtomicUsize, Ordering};

use pidscope::rigor::{
    observe, replicate_jobs, replicates, summarise, Replicate, RigorError, Samples, Settings,
    Uncertainty,
};

/// Jobs per thread and kind: small enough that the threads finish together.
const PIECES_PER_THREAD: usize = 4;

/// Observes `samples`, runs every replicate on all cores, and summarises.
pub fn uncertainty(samples: &Samples, settings: &Settings) -> Result<Uncertainty, RigorError> {
    settings.validate()?;
    let observed = observe(samples)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = replicate_jobs(settings, threads * PIECES_PER_THREAD);
    let next = AtomicUsize::new(0);
    let run = || -> Result<Vec<(usize, Vec<Replicate>)>, RigorError> {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return Ok(done);
            };
            let range = job.start..job.end;
            done.push((
                index,
                replicates(samples, &observed, settings, job.kind, range)?,
            ));
        }
    };
    let mut chunks = Vec::with_capacity(jobs.len());
    std::thread::scope(|scope| -> Result<(), RigorError> {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(run)).collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            chunks.extend(done);
        }
        Ok(())
    })?;
    chunks.sort_by_key(|(index, _)| *index);
    let records: Vec<Replicate> = chunks.into_iter().flat_map(|(_, r)| r).collect();
    Ok(summarise(&observed, &records, settings))
}
