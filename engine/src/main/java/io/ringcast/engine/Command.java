package io.ringcast.engine;

/** A request to the dispatcher thread, sent through the engine's bounded MPSC command queue. Immutable. */
final class Command
{
    static final int SUBSCRIBE = 1;
    static final int UNSUBSCRIBE = 2;
    static final int CLOSE_TOPIC = 3;

    final int kind;
    final Subscriber subscriber;
    final String topic;

    private Command(final int kind, final Subscriber subscriber, final String topic)
    {
        this.kind = kind;
        this.subscriber = subscriber;
        this.topic = topic;
    }

    static Command subscribe(final Subscriber s)
    {
        return new Command(SUBSCRIBE, s, null);
    }

    static Command unsubscribe(final Subscriber s)
    {
        return new Command(UNSUBSCRIBE, s, null);
    }

    static Command closeTopic(final String topic)
    {
        return new Command(CLOSE_TOPIC, null, topic);
    }
}
