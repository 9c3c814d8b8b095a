import Glibc

/// Runs `count` independent jobs on `jobs` OS threads and delivers the results in index order.
///
/// The calling thread delivers: it waits for result 0, hands it over, then result 1, and so on,
/// so a report streams in a stable order while later files are already running.
enum ParallelRunner {
    static func run<Result: Sendable>(
        count: Int, jobs: Int, work: @escaping @Sendable (Int) -> Result, deliver: (Int, Result) -> Void
    ) {
        guard count > 0 else { return }
        let threads = max(1, min(jobs, count))
        if threads == 1 {
            for i in 0..<count { deliver(i, work(i)) }
            return
        }
        let shared = Shared<Result>(count: count, work: work)
        var handles: [pthread_t] = []
        for _ in 0..<threads {
            var handle = pthread_t()
            let context = Unmanaged.passRetained(shared).toOpaque()
            let status = pthread_create(
                &handle, nil,
                { raw in
                    let shared = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! any Draining
                    shared.drain()
                    return nil
                }, context)
            if status == 0 {
                handles.append(handle)
            } else {
                Unmanaged<Shared<Result>>.fromOpaque(context).release()
            }
        }
        if handles.isEmpty { shared.drain() }  // no thread could be made: do the work here
        for i in 0..<count { deliver(i, shared.wait(for: i)) }
        for handle in handles { pthread_join(handle, nil) }
    }
}

private protocol Draining: AnyObject {
    func drain()
}

/// The job counter and result slots, guarded by a heap-allocated mutex and condition variable.
private final class Shared<Result: Sendable>: Draining, @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var next = 0
    private var results: [Result?]
    private let work: @Sendable (Int) -> Result

    init(count: Int, work: @escaping @Sendable (Int) -> Result) {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        results = Array(repeating: nil, count: count)
        self.work = work
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func drain() {
        while true {
            pthread_mutex_lock(mutex)
            let index = next
            next += 1
            pthread_mutex_unlock(mutex)
            guard index < results.count else { return }
            let result = work(index)
            pthread_mutex_lock(mutex)
            results[index] = result
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
    }

    func wait(for index: Int) -> Result {
        pthread_mutex_lock(mutex)
        while results[index] == nil { pthread_cond_wait(condition, mutex) }
        let result = results[index]!
        results[index] = nil
        pthread_mutex_unlock(mutex)
        return result
    }
}
