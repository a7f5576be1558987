// A job's outputs shown by what they are: pictures and animations inline, video and audio in players, else a link.
import type { JobOutput } from '../types';

const kind = (name: string): 'image' | 'video' | 'audio' | 'file' => {
  const extension = name.split('.').pop()?.toLowerCase() ?? '';
  if (['png', 'jpg', 'jpeg', 'webp', 'gif', 'apng', 'avif', 'bmp'].includes(extension)) return 'image';
  if (['mp4', 'webm', 'mov', 'mkv'].includes(extension)) return 'video';
  if (['mp3', 'wav', 'flac', 'ogg', 'opus', 'm4a'].includes(extension)) return 'audio';
  return 'file';
};

export function Outputs({ outputs }: { outputs: JobOutput[] }) {
  return (
    <div class="outputs">
      {outputs.map((output) => {
        const type = kind(output.filename);
        return (
          <figure key={output.url} class="output">
            {type === 'image' && <img src={output.url} alt={output.filename} class="output-image" />}
            {type === 'video' && <video src={output.url} controls />}
            {type === 'audio' && <audio src={output.url} controls />}
            <figcaption>
              <a href={output.url} target="_blank" rel="noreferrer">{output.filename}</a>
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
