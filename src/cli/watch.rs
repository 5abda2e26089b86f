//! `heistbrief watch`: build, then build again whenever a record, template or the published
//! figures change. A bad edit prints its problems and keeps the last good brief; it never ends
//! the watch.

use super::build::{self, BuildArgs, Stop, Wanted};
use super::{Failure, Verbosity, emit};
use crate::text::shown;
use crate::watch::{Inputs, Watcher};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::Scope;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,
}

/// How long the inputs must be quiet before a rebuild: one save is often several writes.
const QUIET: Duration = Duration::from_millis(250);

/// What the watch's main thread waits for: the inputs changed, the watcher ended, or a build
/// ended. One channel carries all three, so the main thread (which alone writes to the
/// terminal) reports each as it comes.
enum Message {
    /// These inputs changed, and have been quiet since.
    Changed(Vec<PathBuf>),
    /// The watcher can report no more changes.
    Ended,
    /// A build ended: how, and what it printed (its list of files written).
    Built(Result<u8, Stop>, Vec<u8>),
}

/// Builds, then builds again on each change. Each build runs on a thread of its own while the
/// watcher goes on watching, so a change that comes during a build abandons it (it stops at
/// its next safe point, having written nothing) and the newer inputs are built instead, one
/// build at a time.
pub fn run(args: &WatchArgs, out: &mut dyn Write, verbosity: Verbosity) -> Result<u8, Failure> {
    let inputs = inputs(&args.build);
    let watcher =
        Watcher::new(inputs.clone()).map_err(|e| Failure::io("cannot watch the inputs", e))?;
    let watched: Vec<String> = inputs
        .folders
        .iter()
        .chain(&inputs.files)
        .filter(|p| p.exists())
        .map(|p| shown(p))
        .collect();
    say(
        out,
        &format!("watching {}; Ctrl-C stops", watched.join(", ")),
    )?;
    // Every change, counted as soon as it is seen: a build is wanted while the count is what
    // it was when the build began.
    let changes = Arc::new(AtomicU64::new(0));
    let (send, receive) = mpsc::channel();
    follow(watcher, Arc::clone(&changes), send.clone());
    std::thread::scope(|scope| {
        let builds = Builds {
            scope,
            args: &args.build,
            verbosity,
            changes: &changes,
            send,
        };
        let result = watch(&builds, &receive, out, verbosity);
        // Leaving (the watcher ended, or the terminal went away): a build under way is
        // abandoned, and the scope waits for it to reach its next safe point.
        changes.fetch_add(1, Ordering::SeqCst);
        result
    })
}

/// Watches on a thread of its own, counting each change as it is first seen (which abandons
/// a build of the older inputs at once) and sending it once the inputs are quiet.
fn follow(mut watcher: Watcher, changes: Arc<AtomicU64>, send: Sender<Message>) {
    std::thread::spawn(move || {
        let seen = || {
            changes.fetch_add(1, Ordering::SeqCst);
        };
        while let Some(changed) = watcher.next_change(QUIET, seen) {
            if send.send(Message::Changed(changed)).is_err() {
                return;
            }
        }
        let _ = send.send(Message::Ended);
    });
}

/// What starting a build needs: the scope its thread runs in, its options, the count of
/// changes and where to say it has ended.
struct Builds<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    args: &'env BuildArgs,
    verbosity: Verbosity,
    changes: &'env AtomicU64,
    send: Sender<Message>,
}

impl Builds<'_, '_> {
    /// Starts a build of the inputs as they are now, on its own thread. The count of changes is
    /// read here, before the build reads anything, so any change it may have missed abandons it.
    fn start(&self) {
        let wanted = Wanted::until_changed(self.changes);
        let (args, verbosity, send) = (self.args, self.verbosity, self.send.clone());
        self.scope.spawn(move || {
            let mut printed = Vec::new();
            // A panic is a bug, but it must not leave the watch waiting for a build that
            // will never say it has ended.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                build::run_while(args, &mut printed, verbosity, wanted)
            }))
            .unwrap_or_else(|_| {
                Err(Stop::Failed(Failure::data(
                    "the build stopped on an internal error (shown above; please report it)",
                )))
            });
            let _ = send.send(Message::Built(result, printed));
        });
    }
}

/// The watch's loop: one build at a time, and after a build that a change came during,
/// another of the newer inputs. Only a failure to write to the terminal ends it early.
fn watch(
    builds: &Builds,
    receive: &Receiver<Message>,
    out: &mut dyn Write,
    verbosity: Verbosity,
) -> Result<u8, Failure> {
    builds.start();
    let mut building = true;
    // A change came while building: build again once the build under way has ended.
    let mut again = false;
    loop {
        match receive.recv() {
            Ok(Message::Changed(changed)) => {
                let names: Vec<String> = changed.iter().map(|p| shown(p)).collect();
                say(out, &format!("changed: {}", names.join(", ")))?;
                if building {
                    again = true;
                } else {
                    builds.start();
                    building = true;
                }
            }
            Ok(Message::Built(result, printed)) => {
                report(result, &printed, out, verbosity)?;
                building = again;
                if again {
                    again = false;
                    builds.start();
                }
            }
            // `receive` cannot lose its last sender (this loop holds one in `builds`).
            Ok(Message::Ended) | Err(_) => return Ok(0),
        }
    }
}

/// Says how a build ended. A failure keeps the last good brief; neither it nor an abandoned
/// build ends the watch.
fn report(
    result: Result<u8, Stop>,
    printed: &[u8],
    out: &mut dyn Write,
    verbosity: Verbosity,
) -> Result<(), Failure> {
    out.write_all(printed).map_err(Failure::output)?;
    match result {
        Ok(_) => say(out, "built"),
        Err(Stop::Abandoned) if verbosity == Verbosity::Quiet => Ok(()),
        Err(Stop::Abandoned) => say(
            out,
            "abandoned: the inputs changed during this build, which wrote nothing; the newer ones are built next",
        ),
        Err(Stop::Failed(failure)) => {
            let _ = writeln!(
                std::io::stderr(),
                "{}\nthe last good brief is kept; waiting for the next change",
                failure.report()
            );
            out.flush().map_err(Failure::output)
        }
    }
}

/// A line now, not when the buffer fills: the watch runs until it is stopped.
fn say(out: &mut dyn Write, line: &str) -> Result<(), Failure> {
    emit(out, &format!("{line}\n"))?;
    out.flush().map_err(Failure::output)
}

/// The records folder, the templates folder (the one given, or `templates/` when present), the
/// notes folder (the one given, or `notes/`) and the published figures' file.
fn inputs(args: &BuildArgs) -> Inputs {
    let templates = args
        .templates
        .clone()
        .unwrap_or_else(|| PathBuf::from("templates"));
    let benchmarks = args
        .benchmarks
        .benchmarks
        .clone()
        .unwrap_or_else(|| Path::new("benchmarks.toml").to_path_buf());
    Inputs {
        folders: vec![
            args.incidents.incidents.clone(),
            templates,
            args.notes.watched(),
        ],
        files: vec![benchmarks],
    }
}
