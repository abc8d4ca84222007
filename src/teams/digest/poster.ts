import type { DigestCardPoster } from '../../digest/ports.js';
import { cardAttachment, renderCard } from '../cards.js';
import type { ChannelPoster } from '../channel-poster.js';

/** The Teams side of the digest's DigestCardPoster port: the summary card, posted into the governors' channel. */
export function createDigestCardPoster(poster: ChannelPoster): DigestCardPoster {
  return {
    async channel(schoolId, channelId) {
      const channel = await poster.reach(schoolId, channelId);
      if (!channel) return undefined;
      return { postSummary: (data) => channel.post({ attachments: [cardAttachment(renderCard('digest-summary', data))] }) };
    },
  };
}
