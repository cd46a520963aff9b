//! A minimal connection pool: readers check a connection out, use it, and give it back.
//! Both drivers' connections are `!Sync`, so every reader thread needs one of its own.

use std::sync::Mutex;

pub(crate) struct Pool<C: Send> {
    idle: Mutex<Vec<C>>,
    connect: Box<dyn Fn() -> crate::Result<C> + Send + Sync>,
    max_idle: usize,
}

impl<C: Send> Pool<C> {
    pub fn new(max_idle: usize, connect: impl Fn() -> crate::Result<C> + Send + Sync + 'static) -> Self {
        Pool { idle: Mutex::new(Vec::new()), connect: Box::new(connect), max_idle }
    }

    /// Runs `f` with a pooled connection. A connection whose use failed in the driver is
    /// dropped rather than returned, so a broken socket never poisons later requests; one that
    /// only reported a conflict or a missing row (its transaction rolled back) is kept.
    pub fn with<T>(&self, f: impl FnOnce(&mut C) -> crate::Result<T>) -> crate::Result<T> {
        let pooled = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => (self.connect)()?,
        };
        let result = f(&mut conn);
        if matches!(result, Ok(_) | Err(crate::StoreError::Conflict { .. } | crate::StoreError::NotFound { .. })) {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < self.max_idle {
                idle.push(conn);
            }
        }
        result
    }
}

impl<C: Send> Drop for Pool<C> {
    /// Closes idle connections on a plain thread: the PostgreSQL driver's synchronous
    /// client cannot close inside an async runtime, and the last owner of a pool is often
    /// an async task.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        if !idle.is_empty() {
            std::thread::scope(|scope| {
                scope.spawn(move || drop(idle));
            });
        }
    }
}
