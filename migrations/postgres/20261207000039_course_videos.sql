-- Videos of online lessons: the upload as it arrives (in chunks, resumable), its
-- transcoding into HLS renditions by a background job, and where the renditions are
-- stored (a storage key prefix and the files under it). The last ready renditions stay
-- served while a new upload arrives or transcodes.
CREATE TABLE course_videos (
    lesson_id    BIGINT PRIMARY KEY REFERENCES course_lessons (id) ON DELETE CASCADE,
    state        TEXT NOT NULL CHECK (state IN ('uploading', 'queued', 'ready', 'failed')),
    source_name  TEXT NOT NULL,
    -- Bytes announced, and received so far.
    source_size  BIGINT NOT NULL,
    received     BIGINT NOT NULL DEFAULT 0,
    -- Names the upload's scratch file; a new upload gets a new one.
    upload_token TEXT NOT NULL,
    job_id       BIGINT REFERENCES jobs (id) ON DELETE SET NULL,
    -- Why the last transcoding failed, in ffmpeg's words.
    error        TEXT,
    prefix       TEXT,
    -- The files under the prefix, and the renditions (JSON).
    files        TEXT NOT NULL DEFAULT '[]',
    renditions   TEXT NOT NULL DEFAULT '[]',
    duration_ms  BIGINT,
    uploaded_by  BIGINT REFERENCES users (id),
    updated_at   TIMESTAMPTZ NOT NULL
);

-- How much of a lesson's video each student watched: where they stopped, the stretches
-- played (seconds, "0-35,60-90") and their share of the video.
ALTER TABLE course_progress ADD COLUMN video_position_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE course_progress ADD COLUMN video_played TEXT NOT NULL DEFAULT '';
ALTER TABLE course_progress ADD COLUMN video_percent BIGINT;

-- Online homework handed in on time earns points (a rule the administration may tune).
INSERT INTO gamification_rules (code, points, daily_cap, threshold) VALUES
    ('homework_on_time', 5, 3, 0);
