import { ZK_NOT_SERVING, hex, type CommandContext } from './view';

/** `hash`: the tree digest logged every 128 zxids, `<hex zxid>: <decimal digest>`. */
export function hash({ view }: CommandContext): string {
  // The reference prints this one without a newline.
  if (!view.serving) return ZK_NOT_SERVING;
  return view.digestLog().map((d) => `${hex(d.zxid)}: ${d.digest}\n`).join('');
}
