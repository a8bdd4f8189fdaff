/**
 * The media client a fleet worker joins subscribers with: the one place to swap it (today the non-decoding werift
 * subscriber of the bench; the shared Node WebRTC client replaces it by changing the import below).
 */
export { subscribe as joinSubscriber, type SubscribeOptions, type SubscriberHandle } from '../lib/subscriber.js';
