package io.ringcast.engine;

/**
 * A reader that takes every dispatched event, in ring order, on a thread of its own, where the event lies in the
 * engine's storage: the place of the LMAX journaller beside the business logic. The dispatcher does no per-event work
 * for it; instead the follower's position gates the storage like a consumer's: publishers never rewrite a slot it has
 * not read, and the history never withdraws an event it has not read. A follower a whole storage behind therefore
 * holds publishers back (their claims wait, or fail as on a full ring), which is how a slow disk sets the pace; a
 * follower that must stop for good {@linkplain FollowerCursor#detach() detaches}.
 *
 * <p>An engine takes at most one follower ({@link EngineConfig#follower}). The engine hands it a {@link FollowerCursor}
 * when it starts ({@link #attach}); the follower then {@linkplain FollowerCursor#poll polls} the cursor on its thread.
 *
 * <p>Thread-safety: {@link #attach} is called on the thread that starts the engine, before the dispatcher runs;
 * {@link #onDispatched} and {@link #onIdle} on the dispatcher thread.
 */
public interface EventFollower
{
    /**
     * The engine starts: {@code cursor} is this follower's position in its storage, before the engine's first event.
     *
     * @param cursor to {@link FollowerCursor#poll} on the follower's thread.
     */
    void attach(FollowerCursor cursor);

    /**
     * Dispatcher thread, at the end of each batch: events up to a new head are readable. Must be cheap and never block
     * (for example: wake the follower's thread if it parked with nothing to read). Called without a memory fence: a
     * follower that needs one to see that it must wake (a Dekker handshake) does it in {@link #onIdle}.
     */
    void onDispatched();

    /**
     * Dispatcher thread, when it finds the ring drained after dispatching (an idle duty cycle, or a driver going idle):
     * the place for a fenced wake-up check, paid once per busy period instead of once per batch. Called often while the
     * engine is idle: must be cheap when nothing was dispatched since the last call, and never block.
     */
    default void onIdle()
    {
    }
}
