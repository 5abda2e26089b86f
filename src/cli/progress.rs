//! A spinner on standard error for a step that takes more than about a second: on a terminal
//! only, never with `--quiet`, and cleared when the step ends.

use super::Verbosity;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a step runs before it gets a spinner.
const AFTER: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(50);

pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    pub fn start(message: &'static str, verbosity: Verbosity) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let shown = verbosity != Verbosity::Quiet && std::io::stderr().is_terminal();
        let thread = shown.then(|| {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let started = Instant::now();
                while started.elapsed() < AFTER {
                    if done.load(Ordering::Relaxed) {
                        return;
                    }
                    std::thread::sleep(POLL);
                }
                let spinner = indicatif::ProgressBar::new_spinner();
                spinner.set_message(message);
                spinner.enable_steady_tick(Duration::from_millis(100));
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(POLL);
                }
                spinner.finish_and_clear();
            })
        });
        Progress { done, thread }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
