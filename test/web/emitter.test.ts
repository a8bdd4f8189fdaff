import { describe, expect, it, jest } from '@jest/globals';
import { TypedEmitter } from '../../web/src/stage/emitter.js';

describe('TypedEmitter', () => {
  interface Events {
    a: number;
    b: string;
  }

  it('delivers each payload to the listeners of that event only, in order', () => {
    const emitter = new TypedEmitter<Events>();
    const got: string[] = [];
    emitter.on('a', (n) => got.push(`a1:${n}`));
    emitter.on('a', (n) => got.push(`a2:${n}`));
    emitter.on('b', (s) => got.push(`b:${s}`));
    emitter.emit('a', 1);
    emitter.emit('b', 'x');
    emitter.emit('a', 2);
    expect(got).toEqual(['a1:1', 'a2:1', 'b:x', 'a1:2', 'a2:2']);
  });

  it('removes a listener through the function on() returns, or off()', () => {
    const emitter = new TypedEmitter<Events>();
    const got: number[] = [];
    const listener = (n: number): void => void got.push(n);
    const off = emitter.on('a', listener);
    emitter.emit('a', 1);
    off();
    emitter.emit('a', 2);
    emitter.on('a', listener);
    emitter.off('a', listener);
    emitter.emit('a', 3);
    expect(got).toEqual([1]);
  });

  it('does not skip the next listener when one unsubscribes itself while being called', () => {
    const emitter = new TypedEmitter<Events>();
    const got: string[] = [];
    const off = emitter.on('a', () => {
      got.push('once');
      off();
    });
    emitter.on('a', () => got.push('always'));
    emitter.emit('a', 1);
    emitter.emit('a', 2);
    expect(got).toEqual(['once', 'always', 'always']);
  });

  it('keeps going when a listener throws', () => {
    const emitter = new TypedEmitter<Events>();
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const got: number[] = [];
    emitter.on('a', () => {
      throw new Error('broken page code');
    });
    emitter.on('a', (n) => got.push(n));
    expect(() => emitter.emit('a', 7)).not.toThrow();
    expect(got).toEqual([7]);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('removeAll() drops every listener', () => {
    const emitter = new TypedEmitter<Events>();
    const got: unknown[] = [];
    emitter.on('a', (n) => got.push(n));
    emitter.on('b', (s) => got.push(s));
    emitter.removeAll();
    emitter.emit('a', 1);
    emitter.emit('b', 'x');
    expect(got).toEqual([]);
  });
});
