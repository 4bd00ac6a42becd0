package io.ringcast.engine;

/**
 * Where a new subscription's delivery starts, decided by the dispatcher at the moment it registers the subscription
 * (between two events, so the plan is exact): replay the ring range {@code [replayFrom, liveFrom]} from the history,
 * first asking the durable log for what is older when {@code fromLog}, then the live queue from {@code liveFrom + 1}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param replayFrom the first ring sequence to replay from the history ({@code liveFrom + 1}: none).
 * @param liveFrom   the last dispatched sequence when the subscription became live.
 * @param outcome    how the resume is served ({@link ResumeOutcome#PENDING} while the log is asked).
 * @param fromLog    the durable log must serve {@code (resumeAfter, oldestRetainedId)} first.
 */
record ResumePlan(long replayFrom, long liveFrom, ResumeOutcome outcome, boolean fromLog)
{
    /**
     * @param resumeAfter  the id the subscriber has seen, or {@link SubscribeOptions#NO_RESUME}.
     * @param idBase       the id of ring sequence 0.
     * @param liveFrom     the last dispatched sequence.
     * @param resumeTail   the oldest sequence the history can replay.
     * @param hasEventLog  whether a durable log can serve older ids.
     * @return the plan.
     */
    static ResumePlan plan(
        final long resumeAfter, final long idBase, final long liveFrom, final long resumeTail, final boolean hasEventLog)
    {
        if (resumeAfter == SubscribeOptions.NO_RESUME)
        {
            return new ResumePlan(liveFrom + 1, liveFrom, ResumeOutcome.NONE, false);
        }
        final long oldestRetainedId = idBase + resumeTail;
        if (resumeAfter > idBase + liveFrom)
        {
            return new ResumePlan(resumeTail, liveFrom, ResumeOutcome.GAP, false); // an id from the future
        }
        if (resumeAfter >= oldestRetainedId - 1)
        {
            return new ResumePlan(resumeAfter - idBase + 1, liveFrom, ResumeOutcome.EXACT, false);
        }
        if (hasEventLog)
        {
            return new ResumePlan(resumeTail, liveFrom, ResumeOutcome.PENDING, true);
        }
        return new ResumePlan(resumeTail, liveFrom, ResumeOutcome.GAP, false);
    }
}
