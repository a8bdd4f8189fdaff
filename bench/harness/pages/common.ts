/** Shared by the harness pages: wall-clock ms with sub-ms precision (both pages run on one machine, one clock). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Waits until ICE gathering is complete: the sandbox's WHIP/WHEP endpoints take non-trickle offers. */
export function gatheringComplete(pc: RTCPeerConnection, timeoutMs = 5000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check(): void {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}
