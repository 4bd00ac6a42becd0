package io.ringcast.engine;

/**
 * One view that every read copies into: a subscription's own (a position is never read twice there), and an
 * {@link EventReader}'s for a deep batch, where one view stays in the core's first-level cache for the whole batch.
 * The view is created on the first read, so an idle subscription costs only this object's header and one reference.
 */
final class OwnView extends EventReads
{
    private Event view;

    @Override
    Event read(final History history, final long position)
    {
        Event v = view;
        if (v == null)
        {
            v = history.newView();
            view = v;
        }
        return history.copy(position, v) ? v : null;
    }

    /** @return 1 once the view exists, else 0 (for memory checks). */
    int viewsCreated()
    {
        return view == null ? 0 : 1;
    }
}
